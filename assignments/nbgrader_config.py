"""nbgrader's configuration for this folder, the course of the book's assignments.

``assignments/`` is laid out as an nbgrader course: ``source/<name>/<name>.ipynb`` are
the teacher's notebooks (solutions between ``### BEGIN SOLUTION`` and ``### END
SOLUTION``), ``release/<name>/<name>.ipynb`` the student versions that ``nbgrader
generate_assignment`` makes from them. ``python tools/assignments.py release`` runs it
with this file; a teacher can also run nbgrader here directly (``book/teachers.md``).
"""

c = get_config()  # noqa: F821 - nbgrader defines get_config when it reads this file

# The stub that replaces a solution region in the student's version. The checks of
# gantutor.grading turn it into "<function> is not written yet".
c.ClearSolutions.code_stub = {
    "python": '# YOUR CODE HERE\nraise NotImplementedError("write your code here")'
}
# Files of a source folder that students must not get: the wrong answers that
# tools/assignments.py feeds to the checks.
c.CourseDirectory.ignore = [
    ".ipynb_checkpoints",
    "*.pyc",
    "__pycache__",
    "feedback",
    "wrong_answers.yml",
]
