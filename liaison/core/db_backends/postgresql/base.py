"""Django's PostgreSQL backend, with batches that fit server-side binding (ADR 0062).

With parameters bound on the server, one statement may carry at most 65,535 of them: the wire
protocol counts them in 16 bits. Django 5.2 does not split ``bulk_create``, ``bulk_update`` or a
cascading delete for PostgreSQL, so a bulk write of more rows than 65,535 / columns failed with
"number of parameters must be between 0 and 65535". This backend splits them as Django already
does for SQLite and Oracle. Everything else is Django's.
"""

from django.db.backends.postgresql import base, operations

# The protocol's limit is 65,535; one short of it leaves room for nothing else to be needed.
MAX_SERVER_SIDE_PARAMS = 65_535


class DatabaseOperations(operations.DatabaseOperations):
    def bulk_batch_size(self, fields, objs):
        if not self.connection.features.uses_server_side_binding:
            return super().bulk_batch_size(fields, objs)
        columns = max(1, len(fields))
        return max(1, MAX_SERVER_SIDE_PARAMS // columns)


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
