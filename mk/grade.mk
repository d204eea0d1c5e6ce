# mk/grade.mk - the autograder (included by the top-level Makefile).
#
#   make grade SUBMISSIONS=DIR [GRADES=build/grades] [LABS=ID,...] [JOBS=N] [FORCE=1]
#                     grade a class: gradebook.csv, report.html, results.json
#                     per student, grade.log in GRADES (docs/grading.md)
#   make gradescope [LABS=ID,...] [STAGE=model|kernel|all] [KERNEL_TARBALL=FILE]
#                     build/gradescope/autograder.zip for Gradescope; with
#                     STAGE=kernel or all, FILE (linux-2.4.17.tar.*) goes in the
#                     bundle, else its setup.sh downloads it (docs/grading.md)
#   make grade-bench  200 generated submissions, -j 2, timed

PYTHON ?= python3
GRADES ?= build/grades

.PHONY: grade gradescope grade-bench

grade: model
	@test -n "$(SUBMISSIONS)" || { echo "make grade: set SUBMISSIONS=folder of submissions" >&2; exit 2; }
	./lab grade $(SUBMISSIONS) --out $(GRADES) $(if $(LABS),--labs $(LABS)) $(if $(JOBS),-j $(JOBS)) $(if $(FORCE),--force)

gradescope:
	$(PYTHON) -m runner.grade.gradescope build $(if $(LABS),--labs $(LABS)) \
		$(if $(STAGE),--stage $(STAGE)) \
		$(if $(filter kernel all,$(STAGE)),$(if $(KERNEL_TARBALL),--kernel-tarball $(KERNEL_TARBALL)))

grade-bench: model
	$(PYTHON) -m runner.grade.bench
