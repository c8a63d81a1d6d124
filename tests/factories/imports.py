import hashlib

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from imports.models import ImportRecord, ImportState

from .accounts import UserFactory


class ImportRecordFactory(factory.django.DjangoModelFactory):
    """A roster preview of 3 rows by default; ``data=b"..."`` stores an uploaded file with it
    (a record without one is what remains after an import, a refusal or an expiry)."""

    class Meta:
        model = ImportRecord
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    kind = "roster"
    filename = factory.Sequence(lambda n: f"花名册{n}.xlsx")
    sha256 = "0" * 64
    state = ImportState.PREVIEWED
    counts = factory.LazyFunction(lambda: {"created": 2, "updated": 1, "unchanged": 0, "errors": 0})
    previewed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def data(self, create, extracted, **kwargs):
        if extracted is not None:
            self.sha256 = hashlib.sha256(extracted).hexdigest()
            self.file.save(f"{self.pk}.bin", ContentFile(extracted), save=create)
