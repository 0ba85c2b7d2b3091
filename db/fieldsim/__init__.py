"""The field side: a simulator that writes the shared database as tablets, the 12345
hotline, WeChat and sensors would.

It follows ``docs/field-contract.md`` with plain SQL and nothing else, so that it
proves the contract is enough for a field system; it imports no ORM model and
nothing of the command centre.
"""
