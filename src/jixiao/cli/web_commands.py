"""``jixiao serve`` and ``jixiao manage``: the web application from the command line."""

from __future__ import annotations

import os

import typer


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.web.settings")
    import django

    django.setup()


def migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


def run_server(host: str, port: int, threads: int) -> None:
    """Serve the WSGI application with waitress (static files through WhiteNoise)."""
    from waitress import create_server

    from jixiao.web.wsgi import application

    server = create_server(application, host=host, port=port, threads=threads, ident="jixiao")
    typer.echo(f"jixiao 网页应用已启动：http://{host}:{port}/  （Ctrl+C 停止）")
    try:
        server.run()
    except KeyboardInterrupt:
        typer.echo("已停止")
    finally:
        server.close()


def serve_command(
    host: str = typer.Option("127.0.0.1", help="监听地址（对外服务请放在 HTTPS 反向代理之后）"),
    port: int = typer.Option(8000, help="端口"),
    threads: int = typer.Option(8, help="工作线程数"),
    no_migrate: bool = typer.Option(False, "--no-migrate", help="启动前不执行数据库迁移"),
) -> None:
    setup_django()
    if not no_migrate:
        migrate()
    run_server(host, port, threads)


def manage_command(ctx: typer.Context) -> None:
    """Pass the arguments to Django's manage.py (``jixiao manage check --deploy``)."""
    from jixiao.web.manage import main

    main(["jixiao manage", *ctx.args])


def register(app: typer.Typer) -> None:
    app.command("serve", help="运行网页应用（默认 127.0.0.1:8000；启动前执行数据库迁移）。")(
        serve_command
    )
    app.command(
        "manage",
        help="执行 Django 管理命令，如 jixiao manage createsuperuser、jixiao manage check --deploy。",
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
        add_help_option=False,
    )(manage_command)
