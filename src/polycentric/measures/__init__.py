"""Agreement, cohesion, voice, alignment, neutrality, shifts and resolution series.

Pure functions over DataFrames in the record's schema
(:data:`polycentric.record.schema.VOTES_VIEW`); every docstring gives the formula
and its source paper.

Dependency rule: imports ``polycentric.errors``, ``polycentric.record.schema`` and
``polycentric.registry``; never the store, the models or the shells.
"""
