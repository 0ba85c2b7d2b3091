"""The database side of gridcommand, by job; nothing here imports Qt.

``schema`` is the shared database itself, ``live`` follows it, ``actions`` writes the
command centre's steps of the case loop, ``reports`` reads on demand what a panel
shows, ``demo`` makes a believable district, ``gis`` holds coordinate systems,
geometry and the grid-layer import, and ``fieldsim`` plays the field systems. An
import-linter contract keeps Qt out, so the command-line tools and the field
simulator run on a machine without a screen.
"""
