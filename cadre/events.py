"""Domain events of the registry, for the apps built on it.

The cadre services send these inside their transaction, after the change is made and
before it is saved, with ``send`` (not ``send_robust``): a receiver that raises rolls the
whole change back, so the registry and the apps that follow it never disagree. Apps
subscribe in their ``AppConfig.ready()``; ``cadre`` imports none of them.

Every event carries ``user`` (who made the change) and ``cadre`` (the locked, changed
instance, not yet saved).
"""

from django.dispatch import Signal

# A reserve left the reserve pool: seated in a village's two committees or left the
# programme (its reason is ``cadre.left_reason``). Extra arguments: ``to`` (the new
# Status), ``on`` (the date).
reserve_left_pool = Signal()

# A cadre was moved to another village. Extra arguments: ``from_village_id``,
# ``to_village_id``.
cadre_moved = Signal()
