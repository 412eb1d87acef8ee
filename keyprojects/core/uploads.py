"""Uploaded evidence checked by content, not by name, and bounded in size."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"RIFF")
DOCUMENT_MAGIC = (b"%PDF-", b"PK\x03\x04", b"\xd0\xcf\x11\xe0")


def check_evidence(upload, images_only=False):
    if not upload:
        return upload
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(_("The file is larger than %(limit)s MB.") % {"limit": limit // 1048576})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    allowed = IMAGE_MAGIC if images_only else IMAGE_MAGIC + DOCUMENT_MAGIC
    if not head.startswith(allowed):
        raise ValidationError(
            _("Upload a photo (JPEG, PNG).")
            if images_only
            else _("Upload a photo (JPEG, PNG) or a PDF/Office document.")
        )
    return upload
