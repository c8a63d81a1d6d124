# Every request runs in a transaction (ATOMIC_REQUESTS, in every environment). Inside a
# test's own transaction that transaction is a savepoint, so a request issues two more
# statements than in production (SAVEPOINT and RELEASE SAVEPOINT, where production's BEGIN
# and COMMIT are not counted): query counts of a whole request add this to the queries
# their comments list.
REQUEST_TRANSACTION = 2
