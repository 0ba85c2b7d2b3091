"""Replay (回放): the district as it was at any moment within retention, from the trace.

Plain SQL and plain Python, no Qt: a ``Frame`` holds the same records the live
store holds (tickets, workers' latest fixes), so the map and the queues show a
moment of the past with the code that shows the present.
"""
