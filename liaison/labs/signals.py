"""The agents' cached labs (agent_cache, ADR 0060) are forgotten whenever a device or an agent
account is saved or deleted. These stay signals so that every save counts, the admin's and the
importers' included: a retagged, moved, retired or new workstation is seen on the agent's very
next request, and an agent account removed stops posting at once."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from liaison.labs import agent_cache
from liaison.labs.models import Asset, LabAgent


@receiver(post_save, sender=Asset)
@receiver(post_delete, sender=Asset)
@receiver(post_save, sender=LabAgent)
@receiver(post_delete, sender=LabAgent)
def forget_agent_labs(sender, instance, **kwargs):
    agent_cache.forget()
