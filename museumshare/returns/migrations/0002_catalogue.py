from typing import Any

from django.db import migrations


def load(apps: Any, schema_editor: Any) -> None:
    """The indicator catalogue of the annual return; more can be added in the admin."""
    from museumshare.returns.catalogue import catalogue

    Indicator = apps.get_model("returns", "Indicator")
    for fields in catalogue():
        Indicator.objects.update_or_create(code=fields["code"], defaults=fields)


class Migration(migrations.Migration):
    dependencies = [("returns", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
