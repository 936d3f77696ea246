from django.apps import AppConfig


class FrameworksConfig(AppConfig):
    name = "jixiao.web.frameworks"
    label = "frameworks"
    verbose_name = "指标体系"
