"""Reports: the 自评报告 in Word, the 评分表 in Excel, charts, PDF, comparisons and batches.

Everything printed comes from a case's facts and the engine's ``Result`` (``context.build_context``);
prose only people can write comes from the case's ``narrative`` or is a marked placeholder.
``render.render_case`` writes one case's deliverables, ``batch.render_batch`` many, ``compare``
pairs two evaluations, ``template_check`` lints a house template; see docs/reports.md.
The package imports nothing itself, so that ``python -m jixiao.reports.build_template`` and the
CLI stay light.
"""
