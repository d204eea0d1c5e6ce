# mk/debug.mk - the debug build behind ./lab debug (included by the top-level Makefile).
#
#   make debug-model  the model at -O0 -g (build/debug/libmodel-debug.a and
#                     build/debug/main.o) and the native lab module
#                     (build/debug/native.o, from model/debug/native.c); ./lab debug
#                     links them with a lab.c compiled natively with -g -O0.
#
# Never used for grading: natively the lab's code shares the model's memory
# (the graded build runs it as WebAssembly, runner/model/build.py).

DEBUG_DIR := $(BUILD)/debug
CFLAGS_DEBUG := $(WARN) $(INC) -O0 -g
DEBUG_OBJ := $(patsubst model/src/%.c,$(DEBUG_DIR)/model/%.o,$(LIB_SRC)) $(REF_FAST)

.PHONY: debug-model
debug-model: $(DEBUG_DIR)/libmodel-debug.a $(DEBUG_DIR)/main.o $(DEBUG_DIR)/native.o

$(DEBUG_DIR)/model/%.o: model/src/%.c $(HEADERS)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	@$(CC) $(CFLAGS_DEBUG) -c $< -o $@
$(DEBUG_DIR)/main.o: model/src/main.c $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_DEBUG) -c $< -o $@
$(DEBUG_DIR)/native.o: model/debug/native.c $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_DEBUG) -c $< -o $@
$(DEBUG_DIR)/libmodel-debug.a: $(DEBUG_OBJ)
	rm -f $@ && ar rcs $@ $^
