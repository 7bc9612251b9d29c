from django.apps import AppConfig


class LoansConfig(AppConfig):
    name = "museumshare.loans"
    label = "loans"
    verbose_name = "Loans"
