"""Optional scalp photo fields shared by the booking and enquiry forms."""

from flask import current_app
from flask_wtf.file import FileField
from wtforms import BooleanField

from clinic.models.booking import PhotoView
from clinic.photos import images

PHOTO_FIELDS = {f"photo_{view}": view for view in PhotoView}


class PhotoFields:
    """Mix into a FlaskForm. After validate(), processed_photos holds (label, ProcessedPhoto)
    pairs, each decoded, checked and re-encoded; nothing is stored yet."""

    photo_front = FileField("Front, showing your hairline (optional)")
    photo_top = FileField("Top of your head (optional)")
    photo_crown = FileField("Crown (optional)")
    photo_consent = BooleanField()

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        self.processed_photos = []
        limits = {
            "max_bytes": current_app.config["PHOTO_MAX_BYTES"],
            "max_pixels": current_app.config["PHOTO_MAX_PIXELS"],
            "max_edge": current_app.config["PHOTO_MAX_EDGE"],
        }
        for field_name, label in PHOTO_FIELDS.items():
            upload = getattr(self, field_name).data
            if not getattr(upload, "filename", ""):
                continue
            try:
                self.processed_photos.append((label, images.process_upload(upload.stream, **limits)))
            except images.PhotoRejected as rejection:
                getattr(self, field_name).errors.append(str(rejection))
                valid = False
        if self.processed_photos and not self.photo_consent.data:
            self.photo_consent.errors.append("Tick this box to send us photos, or remove them.")
            valid = False
        return valid

    @property
    def photo_field_list(self):
        return [getattr(self, name) for name in PHOTO_FIELDS]

    @property
    def had_photos(self):
        return any(getattr(field.data, "filename", "") for field in self.photo_field_list)
