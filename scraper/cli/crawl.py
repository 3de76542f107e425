"""`uninews crawl`, `demo` and `sites`: the operator's commands.

Each checks its options, builds jobs for scraper.crawl (which loads Scrapy only when a crawl
starts), or hands several sites to scraper.multisite, and prints the summary. Bad input is one
line and exit code 2.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import click

from archive.health import describe as describe_health
from scraper.crawl import (
    NO_PAGE,
    CrawlLocked,
    CrawlSummary,
    crawl_lock,
    crawl_settings,
    jobs_for,
    run_changes,
    run_plan,
)
from scraper.discovery.revisit import RevisitSpecError, SpecPolicy
from scraper.discovery.scope import ScopeError, check_start_url, netloc_of, parse_host_map
from scraper.multisite import (
    Site,
    SitesSummary,
    checked_profile,
    claimed,
    crawl_sites,
    distinct,
    site_of,
)
from scraper.sites import Profile, ProfileError, load_profile, profile_names
from scraper.sites.sitesfile import SiteEntry, load_sites_file
from scraper.startup import BadSetting, check_overrides

from .options import BadUsage

DEMO_ADDRESS = "127.0.0.1:8765"  # the demo profile's own address (scraper/sites/demo.toml)


def settings_options(func: Callable) -> Callable:
    """-s NAME=VALUE (repeatable) and --requisites/--no-requisites: what crawl and demo both
    take to change a crawl's settings (see crawl_overrides)."""
    func = click.option(
        "--requisites/--no-requisites",
        default=None,
        help="Archive each page's stylesheets, images, fonts, scripts (default: the profile's).",
    )(func)
    return click.option(
        "-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE", help="A Scrapy setting."
    )(func)


def crawl_overrides(
    pairs: tuple[str, ...], requisites: bool | None, **defaults: Any
) -> dict[str, Any]:
    """The -s settings over `defaults`, with --requisites unless -s set UNINEWS_REQUISITES."""
    out: dict[str, Any] = {**defaults, **parse_overrides(pairs)}
    if requisites is not None:
        out.setdefault("UNINEWS_REQUISITES", requisites)
    return out


def parse_overrides(pairs: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise BadUsage(f"bad -s {pair!r}: write -s NAME=VALUE, e.g. -s DOWNLOAD_DELAY=0")
        out[name.strip()] = value
    try:
        check_overrides(out)
    except BadSetting as exc:
        raise BadUsage(str(exc)) from exc
    return out


def print_summary(summary: CrawlSummary, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(summary.to_dict(), indent=2))
    else:
        click.echo(summary.text())
        totals = [f"{v} {k}" for k, v in summary.totals().items() if v]
        handed = sum(r.handed_over for r in summary.runs)
        if handed:
            totals.append(f"{handed} handed over")
        click.echo("total: " + ", ".join(totals))


@contextlib.contextmanager
def demo_server_for(base_url: str | None) -> Iterator[str]:
    """The base URL of a demo server: the one given, or one served here meanwhile (on a free
    port; its pages name DEMO_ADDRESS, and the crawl routes that address to it)."""
    if base_url:
        yield base_url.rstrip("/")
        return
    from scraper.demo import DemoServer, DemoSite

    try:
        server = DemoServer(DemoSite(), port=0, public_url=f"http://{DEMO_ADDRESS}")
        server.start()
    except OSError as exc:
        raise BadUsage(
            f"cannot serve the demo site: {exc.strerror or exc} "
            "(pass --base-url of a running demo server)"
        ) from exc
    try:
        yield server.base_url.rstrip("/")
    finally:
        server.stop()


def check_archive(db_path: str) -> None:
    """Open (or create) the archive before crawling, so a bad --db is one line, exit 2."""
    from archive import Archive, ArchiveError

    try:
        Archive.open(db_path).close()
    except ArchiveError as exc:
        raise BadUsage(str(exc)) from exc
    except sqlite3.Error as exc:
        raise BadUsage(f"cannot open the archive {db_path}: {exc} (check --db)") from exc


@click.command()
@click.argument("site_names", nargs=-1, metavar="[SITE]...")
@click.option("--all", "all_sites", is_flag=True, help="Every bundled profile but demo.")
@click.option("--sites", "sites_file", metavar="FILE.toml", help="The sites a sites file names.")
@click.option("--start-url", help="Crawl any site from this URL, without a profile.")
@click.option("--db", "db_path", default="archive.db", show_default=True, help="Archive file.")
@click.option("--max-pages", default=0, type=click.IntRange(0), help="Stop after N pages a site.")
@click.option(
    "--spider",
    type=click.Choice(["news", "pages", "all"]),
    help="Which spider (default: news and pages with a profile, news without).",
)
@click.option("--revisit", default="all", show_default=True, help="all, none or older-than:7d.")
@click.option("--contact", help="URL or e-mail for the User-Agent, so sites can reach you.")
@click.option("--redis", "redis_url", help="Share one crawl between workers (redis://HOST:PORT).")
@click.option(
    "--to-redis",
    is_flag=True,
    help="With --redis: write no archive here, hand captures to `uninews ingest` instead.",
)
@click.option("--host-map", multiple=True, metavar="HOST=URL", help="Serve a host from URL.")
@click.option("--base-url", help="demo only: a running demo server (default: serve one here).")
@settings_options
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("-v", "--verbose", is_flag=True, help="Scrapy's log on stderr.")
def crawl(
    site_names: tuple[str, ...],
    all_sites: bool,
    sites_file: str | None,
    start_url: str | None,
    db_path: str,
    max_pages: int,
    spider: str | None,
    revisit: str,
    contact: str | None,
    redis_url: str | None,
    to_redis: bool,
    host_map: tuple[str, ...],
    base_url: str | None,
    overrides: tuple[str, ...],
    requisites: bool | None,
    as_json: bool,
    verbose: bool,
) -> None:
    """Crawl sites by profile name (umu, demo, ...), all of them, a sites file's, or any
    site with --start-url.

    \b
    Examples:
      uninews crawl umu --contact ops@example.org
      uninews crawl demo                      (serves the demo site meanwhile)
      uninews crawl --start-url https://www.example.edu/news/ --max-pages 200
      uninews crawl umu --revisit older-than:7d --spider news
      uninews crawl umu --redis redis://127.0.0.1:6379/0   (one of several workers)
      uninews crawl umu --redis redis://10.0.0.5:6379/0 --to-redis   (`uninews ingest` writes)
      uninews crawl --sites sites.toml --redis redis://10.0.0.5:6379/0 --to-redis
      uninews crawl umu other.toml            (several sites at once, one line each)
      uninews crawl --sites sites.toml        (each site's max_pages and every = "6h")

    Several sites crawl at once, each under its own lock and politeness; a site whose last
    finished run is younger than its sites-file interval is skipped, and so is a site
    another crawl holds (that counts as a failure).

    Exit status: 0 every site crawled (or was not due), 1 a site's run failed (nothing could
    be fetched, a capture not written) or the site was locked by another crawl, 2 bad usage,
    3 template alarm (article pages lost titles, bodies, dates or leads: see `uninews health`).
    """
    forms = [
        name
        for name, given in (
            ("a site profile", site_names),
            ("--all", all_sites),
            ("--sites FILE.toml", sites_file),
            ("--start-url URL", start_url),
        )
        if given
    ]
    if not forms:
        raise BadUsage(
            "give a site profile (see `uninews sites`), several, --all, --sites FILE.toml "
            "or --start-url URL"
        )
    if len(forms) > 1:
        raise BadUsage(f"give {forms[0]} or {forms[1]}, not both")
    try:
        SpecPolicy(revisit)
        mapping = parse_host_map(host_map)
        if base_url:
            check_start_url(base_url)
        sites = (
            None
            if start_url or len(site_names) == 1
            else many_sites(site_names, all_sites, sites_file, max_pages)
        )
        profile = checked_profile(site_names[0]) if sites is None and site_names else None
        if start_url:
            check_start_url(start_url)
    except (RevisitSpecError, ScopeError, ProfileError) as exc:
        raise BadUsage(str(exc)) from exc
    profiles = [s.profile for s in sites] if sites is not None else [profile]
    if base_url and not any(is_demo(p) for p in profiles):
        raise BadUsage("--base-url is for `uninews crawl demo`; use --host-map for other sites")
    if redis_url and not redis_url.startswith(("redis://", "rediss://", "unix://")):
        raise BadUsage(f"bad --redis {redis_url!r}: write redis://HOST:PORT")
    check_to_redis(to_redis, redis_url)
    settings_overrides = crawl_overrides(overrides, requisites)
    if not to_redis:
        check_archive(db_path)
    run = Run(db_path, spider, mapping, base_url, as_json, verbose, {
        "revisit": revisit,
        "contact": contact,
        "redis_url": redis_url,
        "to_redis": to_redis,
        "overrides": settings_overrides,
        "log_level": "DEBUG" if verbose else "INFO",
    })  # fmt: skip
    if sites is not None:
        crawl_many(sites, run)
    else:
        crawl_one(site_names[0] if site_names else None, profile, start_url, max_pages, run)


def check_to_redis(to_redis: bool, redis_url: str | None) -> None:
    """--to-redis needs --redis, and writes no archive here (so no --db)."""
    if not to_redis:
        return
    if not redis_url:
        raise BadUsage("--to-redis hands captures to Redis: give --redis redis://HOST:PORT too")
    source = click.get_current_context().get_parameter_source("db_path")
    if source is not None and source.name != "DEFAULT":
        raise BadUsage("--to-redis writes no archive here: give --db to `uninews ingest`")


def is_demo(profile: Profile | None) -> bool:
    return profile is not None and profile.name == "demo"


@dataclass(frozen=True)
class Run:
    """What every site of one `uninews crawl` shares."""

    db_path: str
    spider: str | None
    mapping: dict[str, str]
    base_url: str | None
    as_json: bool
    verbose: bool
    options: dict[str, Any]  # crawl_settings' keywords

    @contextlib.contextmanager
    def host_map(self, demo: bool) -> Iterator[tuple[dict[str, str], dict[str, str]]]:
        """(host map, routes), with the demo site served meanwhile when a demo crawl needs it:
        a running demo server (--base-url) is mapped, so archived under its own URL; one served
        here is routed, so archived under DEMO_ADDRESS whatever its port."""
        if not demo or self.mapping:
            yield self.mapping, {}
            return
        with demo_server_for(self.base_url) as served:
            if self.base_url:
                yield {DEMO_ADDRESS: served}, {}
            else:
                yield {}, {DEMO_ADDRESS: served}


def many_sites(
    names: tuple[str, ...], all_sites: bool, sites_file: str | None, max_pages: int
) -> list[Site]:
    """The sites of a run of several: named, every bundled profile, or a sites file's."""
    if sites_file:
        entries = load_sites_file(sites_file)
    else:
        # The demo site is for trying uninews out: --all never puts it into an archive.
        names = names or tuple(n for n in profile_names() if n != "demo")
        entries = [SiteEntry(profile=name) for name in names]
    return distinct([site_of(entry, max_pages) for entry in entries])


def crawl_many(sites: list[Site], run: Run) -> None:
    """Several sites at once: a line per site and a total; exit 1 when any site failed."""
    last_finished = published_runs(run.options["redis_url"]) if run.options["to_redis"] else None
    locks = not run.options["redis_url"]
    with claimed(run.db_path, sites, locks, last_finished) as (due, results):
        with run.host_map(any(is_demo(s.profile) for s in due)) as (mapping, routes):
            results |= crawl_sites(
                due,
                db=run.db_path,
                spider=run.spider,
                host_map=json.dumps(mapping) if mapping else None,
                options=run.options,
                verbose=run.verbose,
                routes=routes,
            )
    summary = SitesSummary([results[s.name] for s in sites])
    click.echo(json.dumps(summary.to_dict(), indent=2) if run.as_json else summary.text())
    if not summary.ok:
        errors = [f"{s.site}: {e}" for s in summary.sites if not s.ok for e in s.errors()]
        click.echo(f"Crawl failed: {'; '.join(errors)}", err=True)
        sys.exit(1)
    exit_on_alarms(summary.alarms)


def published_runs(redis_url: str) -> Callable[[str], str | None]:
    """site -> when its latest finished run started, as `uninews ingest` published it: a
    `--to-redis` worker has no archive to read its sites' schedules from."""
    from scraper.ingest import mirror
    from scraper.ingest.keys import RedisUnreachable, connect

    try:
        client = connect(redis_url)
    except RedisUnreachable as exc:
        click.echo(f"Crawl failed: {exc}", err=True)
        sys.exit(1)
    return lambda site: mirror.last_finished(client, site)


def crawl_one(
    site: str | None, profile: Profile | None, start_url: str | None, max_pages: int, run: Run
) -> None:
    """One site, as `uninews crawl SITE` always has: a line per spider run and a total."""
    key = profile.name if profile else netloc_of(start_url)
    settings = crawl_settings(
        db=run.db_path,
        profile_politeness=profile.politeness if profile else None,
        max_pages=max_pages,
        crawl_key=key,
        **run.options,
    )
    redis = run.options["redis_url"]
    lock = crawl_lock(run.db_path, key) if not redis else contextlib.nullcontext()
    try:
        with lock, run.host_map(is_demo(profile)) as (mapping, routes):
            if routes:  # served here: archived under DEMO_ADDRESS, whatever the port
                settings.set("UNINEWS_HOST_ROUTES", routes, priority="cmdline")
            kwargs = {"site": site} if profile else {"start_url": start_url}
            if mapping:
                kwargs["host_map"] = json.dumps(mapping)
            jobs = jobs_for(run.spider, profile is None, kwargs)
            summary = run_plan(settings, [jobs], run.verbose)
    except CrawlLocked as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    print_summary(summary, run.as_json)
    if not summary.ok:
        errors = dict.fromkeys(r.error or NO_PAGE for r in summary.runs if r.status != "finished")
        click.echo(f"Crawl failed: {'; '.join(errors) or NO_PAGE}", err=True)
        sys.exit(1)
    exit_on_alarms(summary.alarms)


def exit_on_alarms(alarms: list[Any]) -> None:
    """A template alarm: one line per run on stderr, and exit 3."""
    for run in alarms:
        click.echo(f"Template alarm ({run.site}): {describe_health(run.health or {})}; "
                   f"see `uninews health {run.site}`", err=True)  # fmt: skip
    if alarms:
        sys.exit(3)


@click.command()
@click.option("--db", "db_path", default="archive.db", show_default=True, help="Archive file.")
@click.option("--port", default=0, type=click.IntRange(0, 65535), help="Port (default: free).")
@settings_options
@click.option("-v", "--verbose", is_flag=True, help="Scrapy's log on stderr.")
def demo(
    db_path: str, port: int, overrides: tuple[str, ...], requisites: bool | None, verbose: bool
) -> None:
    """Serve the bundled demo site, crawl it, edit it, crawl again, show what changed."""
    from scraper.demo import DemoServer, DemoSite

    profile = load_profile("demo")
    quiet = {"UNINEWS_PROGRESS_INTERVAL": 0, "UNINEWS_PROGRESS_TTY_INTERVAL": 0}
    settings_overrides = crawl_overrides(overrides, requisites, **quiet)
    check_archive(db_path)
    settings = crawl_settings(
        db=db_path,
        profile_politeness=profile.politeness,
        overrides=settings_overrides,
        log_level="DEBUG" if verbose else "INFO",
    )
    site = DemoSite()
    server = DemoServer(site, state=1, port=port, public_url=f"http://{DEMO_ADDRESS}")
    try:
        server.start()
    except OSError as exc:
        raise BadUsage(f"cannot serve the demo site on port {port}: {exc} (try --port 0)") from exc
    try:
        # Archived under the profile's address whatever the port, so runs revisit.
        settings.set("UNINEWS_HOST_ROUTES", {DEMO_ADDRESS: server.base_url}, priority="cmdline")
        jobs = jobs_for(None, False, {"site": "demo"})
        click.echo(f"Demo site served at {server.base_url}/, archived as {server.public_url}/ "
                   f"(state 1: {len(site.articles(1))} articles, "
                   f"{len(site.pages(1))} partnership pages)")  # fmt: skip
        summary = run_plan(settings, [jobs, lambda: server.set_state(2), jobs], verbose)
    finally:
        server.stop()
    first, second = summary.runs[: len(jobs)], summary.runs[len(jobs) :]
    click.echo("\nFirst crawl:")
    click.echo(CrawlSummary(first).text())
    click.echo("\nThe site was edited (state 2); second crawl:")
    click.echo(CrawlSummary(second).text())
    click.echo("\nWhat the second crawl changed in the archive:")
    changes = run_changes(db_path, [r.run_id for r in second if r.run_id is not None])
    example, other = None, 0
    for change in changes:
        if change.outcome in ("new", "changed") and change.version is None:
            other += 1  # listings and other pages without content: no version
            continue
        if change.outcome == "restricted":
            continue
        detail = ""
        if change.outcome == "changed":
            detail = f"  (version {change.version}: {', '.join(change.changed_fields)})"
            example = example or change.url
        elif change.outcome == "redirected":
            detail = f"  -> {change.redirect_to}"
        click.echo(f"  {change.outcome:<10} {change.url}{detail}")
    if other:
        click.echo(f"  (and {other} listing pages whose teasers changed: no versions)")
    example = example or "URL"
    db = db_path if " " not in db_path else f'"{db_path}"'
    prog = _program_name()
    click.echo(
        "\nExplore the archive:\n"
        f'  {prog} search "universitet" --db {db}\n'
        f"  {prog} history {example} --db {db}\n"
        f"  {prog} diff {example} --db {db}\n"
        f"  {prog} export --format csv --out articles.csv --db {db}\n"
        f"  {prog} serve --db {db}        # Datasette on http://127.0.0.1:8001/"
    )
    if not summary.ok:
        sys.exit(1)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def sites(as_json: bool) -> None:
    """List the bundled site profiles: name, title and the hosts each one crawls."""
    rows = []
    for name in profile_names():
        profile = load_profile(name)
        rows.append({"name": name, "title": profile.title, "hosts": profile.scope.get("hosts", [])})
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for row in rows:
        click.echo(f"{row['name']:<8} {row['title']}  ({', '.join(row['hosts'])})")


def _program_name() -> str:
    """How the user can type this command again: `uninews` when it is on PATH, else its path."""
    invoked = sys.argv[0] if sys.argv and sys.argv[0] else "uninews"
    on_path = shutil.which("uninews")
    if on_path and os.path.realpath(on_path) == os.path.realpath(invoked):
        return "uninews"
    if os.path.basename(invoked) != "uninews":
        return "uninews"
    return os.path.relpath(invoked) if not os.path.isabs(invoked) else invoked
