# The kernel: kernel/ (portable core) + platform/riscv/ (the one platform),
# plus the pure readers it shares with user space (lib/: the ELF and cpio readers).

KERNEL_ELF := $(BUILD)/kernel.elf
KERNEL_MAP := $(BUILD)/kernel.map

KERNEL_SRCS := $(wildcard kernel/*.c) $(wildcard platform/riscv/*.c) lib/elf.c lib/cpio.c
KERNEL_ASM  := $(wildcard platform/riscv/*.S)
KERNEL_OBJS := $(patsubst %.c,$(BUILD)/k/%.o,$(KERNEL_SRCS)) \
               $(patsubst %.S,$(BUILD)/k/%.o,$(KERNEL_ASM))
K_CFLAGS    := $(T_CFLAGS) -I. -Ikernel -Iplatform/riscv/include -ffreestanding -fno-builtin-printf

# The IPC fastpath runs with the user's gp still loaded (fastpath.c).
$(BUILD)/k/kernel/fastpath.o: K_CFLAGS += -mno-relax

$(BUILD)/k/%.o: %.c
	@mkdir -p $(@D)
	$(CC_T) $(K_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(BUILD)/k/%.o: %.S
	@mkdir -p $(@D)
	$(CC_T) $(K_CFLAGS) $(DEPFLAGS) -c -o $@ $<

# The linker script reads its constants from <platform/mmu.h>.
KERNEL_LDS := $(BUILD)/k/kernel.ld
$(KERNEL_LDS): platform/riscv/kernel.ld.in
	@mkdir -p $(@D)
	$(CC_T) -E -P -x assembler-with-cpp -Iplatform/riscv/include $(DEPFLAGS) -MT $@ -o $@ $<

$(KERNEL_ELF): $(KERNEL_OBJS) $(KERNEL_LDS)
	$(CC_T) $(ARCH_FLAGS) --specs=picolibc.specs -nostartfiles -static -T $(KERNEL_LDS) \
		-Wl,--gc-sections -Wl,--no-warn-rwx-segments -o $@ $(KERNEL_OBJS) -lc -lgcc
	$(NM_T) -n $@ > $(KERNEL_MAP)
	@# The fastpath runs on the user's sp and gp (kernel/fastpath.c): a
	@# compiler that spills or reaches a global through gp breaks it.
	@if $(OBJDUMP_T) -d --no-show-raw-insn --disassemble=fastpath_send_wait $@ | \
	    grep -qE '[(, ](sp|gp)([),]|$$)'; then \
	    echo "$@: fastpath_send_wait uses sp or gp (see kernel/fastpath.c)" >&2; \
	    rm -f $@; exit 1; fi

ALL_TARGETS    += $(KERNEL_ELF)

-include $(KERNEL_OBJS:.o=.d) $(KERNEL_LDS:.ld=.d)
