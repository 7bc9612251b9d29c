from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "museumshare.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from museumshare.accounts import signals

        signals.connect()
