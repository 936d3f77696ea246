"""The jixiao web application (Django 5.2): rounds, data entry with live scoring, review, audit.

The web layer holds no scoring logic: facts stored per evaluation version are validated as a
``jixiao.facts.UnitYear`` and scored by ``jixiao.engine.evaluate``.
"""
