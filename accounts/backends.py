from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class UnitAwareModelBackend(ModelBackend):
    """Loads the signed-in user together with their county and township: every page
    shows them and every query is scoped by them."""

    def get_user(self, user_id):
        user = (
            get_user_model().objects.select_related("county", "township", "township__county").filter(pk=user_id).first()
        )
        return user if user and self.user_can_authenticate(user) else None
