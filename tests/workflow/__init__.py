"""The course workflow: debuggers in both worlds, one test at a time, hand-in
pre-flight, visibility and deadlines, the devcontainer (issue 14)."""
