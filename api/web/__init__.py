"""Pages for people: the dispatcher board, the hotline, an engineer's day, the planner's view.

The pages are plain HTML, CSS and JavaScript served from this package (no
build step, no other host). They sign in with a token kept in the browser's
session storage and read and write everything through ``/api/v1``, so they
show exactly what the API returns and every figure comes from the plan.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Blueprint, redirect, render_template

if TYPE_CHECKING:
    from flask.typing import ResponseReturnValue

web = Blueprint(
    "web", __name__, template_folder="templates", static_folder="static", static_url_path="/assets"
)

PAGES = {
    "login": "Sign in",
    "board": "Dispatcher board",
    "day": "My day",
    "planner": "Planner",
    "hotline": "Hotline",
}


@web.get("/")
def index() -> ResponseReturnValue:
    return redirect("/login")


@web.get("/login")
def login() -> ResponseReturnValue:
    return render_template("login.html", title=PAGES["login"], page="login")


@web.get("/board")
def board() -> ResponseReturnValue:
    return render_template("board.html", title=PAGES["board"], page="board")


@web.get("/day")
def day() -> ResponseReturnValue:
    return render_template("day.html", title=PAGES["day"], page="day")


@web.get("/planner")
def planner() -> ResponseReturnValue:
    return render_template("planner.html", title=PAGES["planner"], page="planner")


@web.get("/hotline")
def hotline() -> ResponseReturnValue:
    return render_template("hotline.html", title=PAGES["hotline"], page="hotline")
