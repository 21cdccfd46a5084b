"""Wiring: everything the commands need, built once from the settings."""

from __future__ import annotations

import logging

from sqlalchemy.engine import Engine

from mailbot.clock import Clock, SystemClock
from mailbot.context import Deps, RosterCache
from mailbot.errors import ConfigError
from mailbot.names import load_nicknames
from mailbot.resources import config_dir, config_text
from mailbot.risk import load_rules
from mailbot.schedule.policy import load_policy
from mailbot.settings import Settings
from outbound.templates import Templates
from parsers import load_label_synonyms
from parsers.options import Limits, ReadOptions
from store import db

log = logging.getLogger(__name__)

MB = 1024 * 1024


def read_options(settings: Settings) -> ReadOptions:
    lim = settings.limits
    return ReadOptions(
        limits=Limits(
            max_message_bytes=int(lim.max_message_mb * MB),
            max_attachment_bytes=int(lim.max_attachment_mb * MB),
            reader_seconds=lim.reader_seconds,
            reader_memory_mb=lim.reader_memory_mb,
            ocr_min_confidence=lim.ocr_min_confidence,
        ),
        child_id_pattern=settings.matching.child_id_pattern,
        reference_pattern=settings.matching.reference_prefix + r"-[0-9A-HJKMNP-TV-Z]{6}",
        label_synonyms=load_label_synonyms(config_text("labels.toml")),
        isolate_heavy_readers=lim.isolate_heavy_readers,
    )


def open_database(settings: Settings, *, migrate: bool | None = None) -> Engine:
    """The engine; SQLite (the embedded default) is migrated automatically, PostgreSQL never."""
    engine = db.make_engine(settings.database.url)
    if migrate is None:
        migrate = engine.dialect.name == "sqlite"
    if migrate:
        db.upgrade(engine)
    elif db.current_revision(engine) != db.head_revision(engine):
        raise ConfigError(
            f"[database] url: the schema is at {db.current_revision(engine) or 'nothing'}, "
            f"not {db.head_revision(engine)}: run 'mailbot db upgrade'"
        )
    return engine


def build(settings: Settings, clock: Clock | None = None, engine: Engine | None = None) -> Deps:
    engine = engine or open_database(settings)
    templates = Templates.load(
        config_dir() / "templates",
        council_name=settings.service.council_name,
        mailbox_address=settings.service.mailbox_address,
        signature=settings.service.signature,
    )
    return Deps(
        settings=settings,
        sessions=db.sessions(engine),
        clock=clock or SystemClock(),
        read_options=read_options(settings),
        rules=load_rules(config_text("risk_rules.toml")),
        rosters=RosterCache(load_nicknames(config_text("nicknames.csv"))),
        templates=templates,
        policy=load_policy(settings.schedule.policy),
    )
