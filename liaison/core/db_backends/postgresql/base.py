"""Django's PostgreSQL backend, with batches that fit server-side binding (ADR 0062).

With parameters bound on the server, one statement may carry at most 65,535 of them: the wire
protocol counts them in 16 bits. Django 5.2 does not split ``bulk_create``, ``bulk_update`` or a
cascading delete for PostgreSQL, so a bulk write of more rows than 65,535 / columns failed with
"number of parameters must be between 0 and 65535". This backend splits them as Django already
does for SQLite and Oracle.

Its health check, run before a request's first statement (``CONN_HEALTH_CHECKS``), asks the
connection's socket instead of sending ``SELECT 1`` (ADR 0062): a round trip to PostgreSQL on
every request, for the one case it catches, a connection the server closed while it was idle.
Everything else is Django's.
"""

import select

from django.db.backends.postgresql import base, operations
from psycopg import pq

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

    def is_usable(self):
        """Whether an idle connection may be used, without a round trip. Between requests the
        server sends nothing unprompted on a healthy connection; a server that restarted, or
        an administrator's pg_terminate_backend, leaves a closed socket or an error message
        to read. So: usable if psycopg sees it open and idle and its socket has nothing to
        read. Anything else (even a harmless notice) closes it, and Django opens a new one."""
        if self.connection is None or self.connection.closed:
            return False
        pgconn = self.connection.pgconn
        if pgconn.status != pq.ConnStatus.OK or pgconn.transaction_status != pq.TransactionStatus.IDLE:
            return super().is_usable()  # not idle between requests: ask the server, as Django does
        try:
            readable, _, _ = select.select([pgconn.socket], [], [], 0)
        except (OSError, ValueError):
            return False
        return not readable
