# lrulab: make (book + labs), make test, make bench, make grade, make kernel.
# Everything generated goes to build/.

CC      ?= gcc
PYTHON  ?= python3
BUILD   := build
WARN    := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter
INC     := -Imodel/include
SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
           -fno-omit-frame-pointer
CFLAGS_FAST := $(WARN) $(INC) -O2 -g
CFLAGS_SAN  := $(WARN) $(INC) -O1 -g $(SAN)

MODEL_SRC := $(wildcard model/src/*.c)
# fix-0212 is the patch as posted: lab 05's solution (with the barrier) is
# its own variant, fix-0212-rmb, its hooks renamed
RMB_SOLUTION := labs/05-barrier/solution.c
LAB_SOLUTIONS := $(filter-out $(RMB_SOLUTION),$(sort $(wildcard labs/*/solution.c)))
LIB_SRC   := $(filter-out model/src/main.c model/src/nolab.c,$(MODEL_SRC))

# fix-0212 comes from the labs' solutions; a student kit ships them compiled
ifneq ($(LAB_SOLUTIONS),)
REF_FAST := $(patsubst labs/%/solution.c,$(BUILD)/model/fast/ref-%.o,$(LAB_SOLUTIONS) \
	$(wildcard $(RMB_SOLUTION))) $(BUILD)/model/fast/ref-flawed-0207.o
REF_SAN  := $(patsubst labs/%/solution.c,$(BUILD)/model/san/ref-%.o,$(LAB_SOLUTIONS) \
	$(wildcard $(RMB_SOLUTION))) $(BUILD)/model/san/ref-flawed-0207.o
else
REF_FAST := $(wildcard model/ref/fast-ref.o)
REF_SAN  := $(wildcard model/ref/san-ref.o)
endif
FAST_OBJ := $(patsubst model/src/%.c,$(BUILD)/model/fast/%.o,$(LIB_SRC)) $(REF_FAST)
SAN_OBJ  := $(patsubst model/src/%.c,$(BUILD)/model/san/%.o,$(LIB_SRC)) $(REF_SAN)
HEADERS  := $(wildcard model/include/*.h model/include/lrulab/*.h model/include/lrulab/*.def)

.PHONY: all model labs test bench clean deps print-deb-packages student-kit
all: deps model labs
	@if [ -f mk/book.mk ]; then $(MAKE) --no-print-directory book; fi

# Debian packages (packages.txt): what the main job needs, installed when
# missing (root or sudo); the tests need the kernel stage's and test's too.
deps:
	@$(PYTHON) -m runner.deps model book
print-deb-packages:
	@$(PYTHON) -m runner.deps --list model book kernel test course

model: $(BUILD)/lrusim $(BUILD)/lrusim-san $(BUILD)/model-tests $(BUILD)/model/fast/main.o \
	$(BUILD)/sandbox-launch $(BUILD)/lab/glue.o $(BUILD)/lab/lab-rt.o \
	$(BUILD)/lab/prelude.h.gch $(BUILD)/lab/ast-json.so

# The model's side of a lab module, and its trusted WebAssembly part
# (runner/model/build.py builds each lab.c against them)
LAB_RT := -DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0 -DWASM_RT_MAX_CALL_STACK_DEPTH=200
$(BUILD)/lab/glue.o: model/lab/glue.c model/lab/module.h model/lab/wasm-rt.h $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_FAST) $(LAB_RT) -c $< -o $@
$(BUILD)/lab/prelude.h.gch: model/lab/prelude.h model/lab/wasm-rt.h model/lab/build-lab.sh
	@mkdir -p $(@D)
	cp model/lab/prelude.h $(@D)/prelude.h
	sh model/lab/build-lab.sh --prelude model/lab $@
# clang's own headers (libclang-14-dev); LLVM is built without RTTI
$(BUILD)/lab/ast-json.so: model/lab/ast-json.cpp
	@mkdir -p $(@D)
	clang++ -std=c++17 -O1 -fPIC -shared -fno-rtti -Wall -Wextra -Werror \
		-isystem $(shell llvm-config-14 --includedir 2>/dev/null || echo /usr/lib/llvm-14/include) $< -o $@
$(BUILD)/lab/lab-rt.o: model/lab/lab-rt.c
	@mkdir -p $(@D)
	clang --target=wasm32 -std=c11 -ffreestanding -nostdinc -O2 -c $< -o $@

# Joins the run's cgroup, sets its limits and drops its uid before exec
$(BUILD)/sandbox-launch: runner/sandbox/launch.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -O2 -Wall -Wextra -Werror -o $@ $<

$(BUILD)/model/fast/%.o: model/src/%.c $(HEADERS)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	@$(CC) $(CFLAGS_FAST) -c $< -o $@
$(BUILD)/model/san/%.o: model/src/%.c $(HEADERS)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	@$(CC) $(CFLAGS_SAN) -c $< -o $@
# fix-0212 is compiled from the labs' reference solutions
RMB_RENAME := -Dlab_free_pages_ok_lru=rmb_free_pages_ok_lru \
	-Dlab_shrink_cache_zero_count=rmb_shrink_cache_zero_count
$(BUILD)/model/fast/ref-05-barrier.o: $(RMB_SOLUTION) $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_FAST) $(RMB_RENAME) -c $< -o $@
$(BUILD)/model/san/ref-05-barrier.o: $(RMB_SOLUTION) $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_SAN) $(RMB_RENAME) -c $< -o $@
# flawed-0207's hooks are lab 02's bad variant of that name, renamed
FLAWED_0207 := labs/02-leave-on-lru/bad/flawed-0207.c
FLAWED_RENAME := -Dlab_free_pages_ok_lru=flawed_free_pages_ok_lru \
	-Dlab_shrink_cache_zero_count=flawed_shrink_cache_zero_count
$(BUILD)/model/fast/ref-flawed-0207.o: $(FLAWED_0207) $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_FAST) $(FLAWED_RENAME) -c $< -o $@
$(BUILD)/model/san/ref-flawed-0207.o: $(FLAWED_0207) $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_SAN) $(FLAWED_RENAME) -c $< -o $@
$(BUILD)/model/fast/ref-%.o: labs/%/solution.c $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_FAST) -c $< -o $@
$(BUILD)/model/san/ref-%.o: labs/%/solution.c $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_SAN) -c $< -o $@

$(BUILD)/libmodel.a: $(FAST_OBJ)
	rm -f $@ && ar rcs $@ $^
$(BUILD)/libmodel-san.a: $(SAN_OBJ)
	rm -f $@ && ar rcs $@ $^
$(BUILD)/lrusim: model/src/main.c model/src/nolab.c $(BUILD)/libmodel.a
	$(CC) $(CFLAGS_FAST) $^ -o $@
$(BUILD)/lrusim-san: model/src/main.c model/src/nolab.c $(BUILD)/libmodel-san.a
	$(CC) $(CFLAGS_SAN) $^ -o $@

$(BUILD)/model-tests: model/tests/test_checkers.c model/src/nolab.c $(BUILD)/libmodel-san.a
	$(CC) $(CFLAGS_SAN) $^ -o $@

# The tree a class gets: no solutions, answer keys, bad variants or tests.
student-kit: model
	$(PYTHON) -m runner.student_kit

# The stress harness: the same mm code on real threads and atomics (make bench)
NATIVE_SRC := $(wildcard model/native/*.c) $(filter-out model/src/sim.c model/src/prims.c model/src/explore.c model/src/main.c model/src/json.c,$(MODEL_SRC))
$(BUILD)/stress: $(NATIVE_SRC) $(REF_FAST) $(HEADERS) model/native/native.h
	@mkdir -p $(BUILD)/model/native
	$(CC) $(CFLAGS_FAST) -Imodel/native -pthread $(NATIVE_SRC) $(REF_FAST) -o $@

labs: model
	@./lab build-labs

test: all
	@test -d tests || { echo "make test: this tree has no project tests (a student kit?); ./lab test ID grades your work" >&2; exit 2; }
	@$(PYTHON) -m runner.deps kernel test course
	$(PYTHON) -m tests

bench: model $(BUILD)/stress
	$(PYTHON) -m runner.bench
	$(PYTHON) -m runner.grade.bench
	$(PYTHON) -m runner.grade.gradescope_bench

# Figures the book takes from real model runs: always what the code does.
MODEL_FIGURES := $(BUILD)/figures/race-0207.dot $(BUILD)/figures/deadlock-pre9.dot
$(BUILD)/figures/race-0207.dot: $(BUILD)/lrusim
	@mkdir -p $(@D)
	$(BUILD)/lrusim --variant flawed-0207 --scenario put-vs-shrink \
		--check double-free --dot $@ > $(BUILD)/figures/race-0207.txt; test $$? -eq 1
$(BUILD)/figures/deadlock-pre9.dot: $(BUILD)/lrusim
	@mkdir -p $(@D)
	$(BUILD)/lrusim --variant vanilla-pre9 --scenario aio-munmap \
		--check deadlock --dot $@ > $(BUILD)/figures/deadlock-pre9.txt; test $$? -eq 1
book: $(MODEL_FIGURES)

clean:
	rm -rf $(BUILD)

-include mk/book.mk
-include mk/grade.mk
-include mk/kernel.mk
-include mk/debug.mk
