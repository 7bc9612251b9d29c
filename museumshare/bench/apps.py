from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "museumshare.bench"
    label = "bench"
    verbose_name = "Benchmarks"
