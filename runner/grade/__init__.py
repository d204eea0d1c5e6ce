"""The autograder: `./lab grade SUBMISSIONS --out DIR` grades a whole class.

submissions.py  finds and safely unpacks each student's submission
sandbox.py      runs every compile and run of student code (bubblewrap)
batch.py        grades the class in parallel, resumes, shows progress
outputs.py      results.json (Gradescope), gradebook.csv, report.html, grade.log
gradescope.py   the Gradescope autograder bundle (make gradescope)
gradescope_sim.py  Gradescope's /autograder layout under bubblewrap (tests, bench)
gradescope_bench.py  one submission of every lab, both worlds, in it, timed (make bench)
classroom-workflow.yml  GitHub Classroom's workflow (the student kit's .github/workflows/)
bench.py        200 generated submissions, timed (make bench)
"""
