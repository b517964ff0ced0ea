"""The classroom board: a whole room's runs on one screen.

The instructor starts a board (``python -m neurona.classroom serve``); it prints the address and
the class code. Each student joins once per notebook::

    nr.classroom.join("http://192.168.1.20:8765", "ABCD-2345", name="ana")

and from then on every run of the notebook's ledger goes to the board as it trains. The
instructor hands out a sweep (``board.assign(learning_rate=[0.001, 0.01, 0.1])``), each student
gets the next value (``nr.classroom.assigned("learning_rate", 0.01)``), and the board, on the
projector or in a notebook (``nr.classroom.board(...)``), shows the room as one experiment.

The parts: :mod:`~neurona.classroom.protocol` (what a post may hold), :mod:`~.store` (the class
in SQLite), :mod:`~.server` (Tornado), :mod:`~.client` (joining and sending),
:mod:`~.summary` (what the board shows) and :mod:`~.panel` (the board in a notebook).
"""

from neurona.classroom.client import Board, Student, assigned, join, joined, membership


def board(address=None, key=None, *, metric=None, live=True):
    """Show the board in a notebook, redrawn live (see :class:`~.panel.BoardPanel`)."""
    from neurona.classroom.panel import board as make

    return make(address, key, metric=metric, live=live)


__all__ = ["Board", "Student", "assigned", "board", "join", "joined", "membership"]
