"""Text as people paste it, cleaned of what no one can see: zero-width spaces and joiners, the
byte-order mark, soft hyphens, direction marks and other control characters. A name made only of
a zero-width space is then empty, and refused as empty is (forms, the API and imports alike:
`LoggedModel.clean_fields()` and `layout.normalise()` apply it)."""

# Deleted: C0 controls but tab, line feed and carriage return (text fields keep their lines), DEL,
# C1 controls, and the invisible format characters.
INVISIBLE = dict.fromkeys(
    [
        *(c for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)),
        *range(0x7F, 0xA0),
        0xAD,  # soft hyphen
        *range(0x200B, 0x2010),  # zero-width space, non-joiner, joiner; left-to-right and right-to-left marks
        *range(0x202A, 0x202F),  # direction embeddings and overrides
        *range(0x2060, 0x2065),  # word joiner, invisible operators
        *range(0x2066, 0x206A),  # direction isolates
        0xFEFF,  # byte-order mark, zero-width no-break space
    ]
)


def strip_invisible(text: str) -> str:
    """`text` without invisible characters, trimmed when any were removed ("\u200b " → "")."""
    cleaned = text.translate(INVISIBLE)
    return cleaned.strip() if cleaned != text else text
