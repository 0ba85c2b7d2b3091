"""The name the database announces its changes on, in a module of its own.

The change feed runs in a process of its own and needs only this name of the schema;
importing the models for it cost that process 0.2 s of its start (measured with
``python -X importtime``), time the first picture waited for.
"""

#: The LISTEN/NOTIFY channel; payloads are ``{"t": table, "id": key, "op": "I"|"U"|"D"}``.
CHANGE_CHANNEL = "gridcommand_changes"
