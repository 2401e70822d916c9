"""The built-in methods: the ten-step dilemma method, the Socratic dialogue and the light variant (version 1).

The content is in plein.deliberation.builtin_methods. Idempotent: a method that exists already is left alone, so that
the coordinator's later versions are never touched.
"""

from django.db import migrations


def add_builtin_methods(apps, schema_editor):
    from plein.deliberation.builtin_methods import BUILTIN_METHODS

    Method = apps.get_model("deliberation", "Method")
    MethodVersion = apps.get_model("deliberation", "MethodVersion")
    MethodStep = apps.get_model("deliberation", "MethodStep")
    for spec in BUILTIN_METHODS:
        if Method.objects.filter(organisation__isnull=True, key=spec["key"]).exists():
            continue
        method = Method.objects.create(organisation=None, key=spec["key"])
        version = MethodVersion.objects.create(
            method=method,
            organisation=None,
            number=1,
            name=spec["name"],
            summary=spec["summary"],
            suited_for=spec["suited_for"],
            duration_minutes=spec["duration_minutes"],
        )
        MethodStep.objects.bulk_create(
            [
                MethodStep(
                    version=version,
                    number=number,
                    title=step["title"],
                    instruction=step["instruction"],
                    questions="\n".join(step["questions"]),
                    captures=list(step["captures"]),
                )
                for number, step in enumerate(spec["steps"], start=1)
            ]
        )


def remove_builtin_methods(apps, schema_editor):
    from plein.deliberation.builtin_methods import BUILTIN_METHODS

    Method = apps.get_model("deliberation", "Method")
    MethodVersion = apps.get_model("deliberation", "MethodVersion")
    keys = [spec["key"] for spec in BUILTIN_METHODS]
    versions = MethodVersion.objects.filter(method__organisation__isnull=True, method__key__in=keys)
    versions.delete()
    Method.objects.filter(organisation__isnull=True, key__in=keys).delete()


class Migration(migrations.Migration):
    dependencies = [("deliberation", "0001_initial")]

    operations = [migrations.RunPython(add_builtin_methods, remove_builtin_methods)]
