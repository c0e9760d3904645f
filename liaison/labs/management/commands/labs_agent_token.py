"""Make a lab's agent account (once) and print a new API token for it, shown this once."""

from django.core.management.base import BaseCommand, CommandError

from liaison.labs import selectors, services


class Command(BaseCommand):
    help = "Print a new API token for a lab's workstation agents (makes the lab's agent account the first time)."

    def add_arguments(self, parser):
        parser.add_argument("room_id", type=int, help="The lab's room id (see Setup › Rooms).")

    def handle(self, *args, room_id: int, **options):
        room = selectors.labs().filter(pk=room_id).first()
        if room is None:
            raise CommandError(f"No lab has the room id {room_id}; a lab is a room of kind 'Computer lab'.")
        agent, token = services.lab_agent_account_create(actor=None, room=room)
        self.stdout.write(f"Agent account {agent.user.username} for {room.name}. Token (shown once):")
        self.stdout.write(token)
