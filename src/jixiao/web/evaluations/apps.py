from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "jixiao.web.evaluations"
    label = "evaluations"
    verbose_name = "评价任务"
