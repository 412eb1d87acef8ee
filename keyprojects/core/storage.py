"""Static files in production: WhiteNoise's compressed, hashed names, without rewriting source
map comments. The vendored libraries (tom-select, Bootstrap …) name .map files we do not ship,
and Django's manifest storage refuses to collect a file whose sourceMappingURL it cannot find:
`collectstatic` failed in production (found by .ci/production_stack.py)."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    patterns = tuple(
        (glob, tuple(p for p in rules if "sourceMappingURL" not in str(p)))
        for glob, rules in CompressedManifestStaticFilesStorage.patterns
    )
