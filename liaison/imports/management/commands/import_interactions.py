"""Import desk interactions from a file, all rows or none.

    manage.py import_interactions FILE (--preset KEY | --mapping NAME)
                                  [--default FIELD=VALUE ...] [--clock hm|ms]
                                  [--service-point SLUG] [--user USERNAME] [--dry-run]

Prints the report: totals, warnings to read before committing, then every rejected row ("row
37: read_level: 'seven' is not a number 1–6"). Exits with status 1 when any row is rejected
(nothing is imported), 2 when the file or the mapping is unusable.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404
from tqdm import tqdm

from liaison.accounts.selectors import user_get_by_username
from liaison.imports import selectors, services
from liaison.imports.mapping import Mapping, mapping_from_preset, prepared_file
from liaison.imports.parsing import parse_file
from liaison.imports.registry import importer_get

IMPORTER = "desk_interactions"


class Command(BaseCommand):
    help = "Import desk interactions from a Gimlet or LibAnswers export, or any CSV/XLSX through a saved mapping."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV or XLSX file.")
        how = parser.add_mutually_exclusive_group(required=True)
        how.add_argument(
            "--preset",
            choices=[p.key for p in importer_get(IMPORTER).presets],
            help="A built-in mapping for a tool's export.",
        )
        how.add_argument("--mapping", help="The name of a mapping saved in the browser.")
        parser.add_argument(
            "--service-point", help="Service point slug for every row (overrides the mapping's default)."
        )
        parser.add_argument(
            "--user", help="Username recorded as the importer; they must be allowed to import (default: none)."
        )
        parser.add_argument(
            "--default",
            action="append",
            default=[],
            metavar="FIELD=VALUE",
            help="A default for a field where its column is blank (e.g. read_level=2 for a blank Gimlet difficulty). Repeatable.",
        )
        parser.add_argument(
            "--clock",
            choices=["hm", "ms"],
            help="Read a duration '1:30' as hours:minutes (hm) or minutes:seconds (ms).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check every row and report; write nothing.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}", returncode=2)
        actor = None
        if options["user"]:
            try:
                actor = user_get_by_username(username=options["user"])
            except Http404:
                raise CommandError(f"No active user named {options['user']!r}.", returncode=2) from None
        content = path.read_bytes()
        if len(content) > services.import_max_bytes():
            raise CommandError(services.size_error(len(content)).message_dict["file"][0], returncode=2)
        try:
            parsed = parse_file(content, path.name)
            mapping, saved = self._mapping(options, self._headers(options, parsed))
        except ValidationError as exc:
            raise CommandError(self._errors(exc), returncode=2) from exc

        bar = tqdm(
            total=parsed.rows_total,
            unit="row",
            desc="Checking",
            disable=True if options["no_progress"] else None,
            file=self.stderr._out,
        )
        last = [0]

        def progress(done: int) -> None:
            bar.update(done - last[0])
            last[0] = done

        how = {
            "importer_key": IMPORTER,
            "file_name": path.name,
            "content": content,
            "mapping": mapping,
            "saved_mapping": saved,
            "preset_key": options["preset"] or "",
            "dry_run": options["dry_run"],
            "progress": progress,
        }
        try:
            if actor is None:  # an operator on the server, importing for nobody in particular
                run, result = services.import_file_as_system(**how)
            else:
                run, result = services.import_file(actor=actor, **how)
        except ValidationError as exc:
            raise CommandError(self._errors(exc), returncode=2) from exc
        except PermissionDenied as exc:
            raise CommandError(f"{options['user']} may not import: {exc}", returncode=2) from exc
        finally:
            bar.close()

        out = self.stdout
        out.write(f"{path.name}: {parsed.describe()}, {result.rows_total} row(s).")
        out.write(
            f"  new: {result.rows_new}   already imported: {result.already_imported}   rejected: {result.rows_rejected}"
        )
        for note in result.notes:
            out.write(f"  {note}")
        for caution in result.cautions:
            out.write(self.style.WARNING(f"  check: {caution}"))
        if result.records_new != result.rows_new:
            out.write(f"  the new rows stand for {result.records_new} interactions (tally counts)")
        for warning in result.warnings:
            out.write(f"  warning: {warning}")
        if result.rejections:
            for rejection in result.rejections:
                out.write(f"  {rejection}")
            raise CommandError(
                f"{result.rows_rejected} row(s) rejected; nothing was imported. Fix the file or the mapping and run again.",
                returncode=1,
            )
        if options["dry_run"]:
            out.write(self.style.SUCCESS(f"Dry run: {result.rows_new} row(s) would be imported."))
        elif run.rows_created == 0:
            out.write(self.style.SUCCESS(f"Nothing new: every row was already imported (run {run.public_id})."))
        else:
            out.write(self.style.SUCCESS(f"Imported {run.rows_created} row(s) (run {run.public_id})."))

    def _mapping(self, options, headers):
        importer = importer_get(IMPORTER)
        saved = None
        if options["preset"]:
            preset = importer.preset(options["preset"])
            mapping = mapping_from_preset(preset, headers)
        else:
            try:
                saved = selectors.import_mapping_get_by_name(name=options["mapping"], importer=IMPORTER)
            except Http404:
                raise ValidationError({"mapping": f"No saved mapping named {options['mapping']!r}."}) from None
            mapping = Mapping.from_json(saved.as_mapping_json())
        if options["service_point"]:
            mapping.constants["service_point"] = options["service_point"]
            mapping.columns.pop("service_point", None)
        for item in options["default"]:
            name, sep, value = item.partition("=")
            if not sep or importer.field(name.strip()) is None:
                fields = ", ".join(f.name for f in importer.fields)
                raise ValidationError(
                    {"default": f"Write --default FIELD=VALUE with a field among {fields}; got {item!r}."}
                )
            mapping.constants[name.strip()] = value.strip()
        if options["clock"]:
            mapping.clock = options["clock"]
        return mapping, saved

    @staticmethod
    def _headers(options, parsed) -> list[str]:
        """The columns the preset names: a long-format file's, once folded."""
        preset = importer_get(IMPORTER).preset(options["preset"]) if options["preset"] else None
        if preset is not None and preset.long_format:
            return prepared_file(parsed, Mapping(long_format=dict(preset.long_format))).headers
        return parsed.headers

    @staticmethod
    def _errors(exc: ValidationError) -> str:
        if hasattr(exc, "error_dict"):
            return "\n".join(f"{field}: {m}" for field, messages in exc.message_dict.items() for m in messages)
        return "\n".join(exc.messages)
