# User programs and the boot archive.
#
# Every directory apps/NAME/ or servers/NAME/ with .c files directly in it is
# a program: its *.c and *.S files are built against libos into
# build/user/NAME.elf. Adding an app is adding a folder. A program that needs
# more objects (say, a library in a subdirectory with its own rules.mk) adds
# them to PROG_EXTRA_OBJS_NAME.
#
# BOOT_ARCHIVE is a cpio newc archive of every program, each under its bare
# name ("init", "hello"), debug info stripped. The kernel starts "init" from
# it; init and everything it spawns find the others there.

# The POSIX userland: the shell and the coreutils-style programs, portable
# POSIX.1-2008 C sharing lib/userland/ulib.c. They are built for the guest
# like every program (make disk puts them in /bin), and
# tests/userland/rules.mk also builds and tests them on the host.
USERLAND_PROGRAMS := sh cat echo ls cp mv rm mkdir rmdir ln touch stat wc head tail grep \
                     sort uniq tee cut du sleep true false env date kill sync
USERLAND_PROGRAMS += df
$(foreach p,$(USERLAND_PROGRAMS),$(eval PROG_EXTRA_OBJS_$(p) := $(BUILD)/user-obj/lib/userland/ulib.o))
# Chime's own tools in the same style, for the guest only (SYS_SYSINFO,
# SYS_MEM_STATS): they share ulib but not the host build.
CHIME_TOOL_PROGRAMS := ps servers ipcstat free uptime
$(foreach p,$(CHIME_TOOL_PROGRAMS),$(eval PROG_EXTRA_OBJS_$(p) := $(BUILD)/user-obj/lib/userland/ulib.o))

PROGRAM_DIRS := $(patsubst %/,%,$(sort $(dir $(wildcard apps/*/*.c servers/*/*.c tests/guest/*/*.c))))
PROGRAMS := $(notdir $(PROGRAM_DIRS))
PROGRAM_ELFS := $(PROGRAMS:%=$(BUILD)/user/%.elf)
BOOT_ARCHIVE := $(BUILD)/boot.cpio

# Objects: build/user-obj/apps/hello/hello.o and so on.
$(BUILD)/user-obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC_T) $(USER_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(BUILD)/user-obj/%.S.o: %.S
	@mkdir -p $(@D)
	$(CC_T) $(USER_ASFLAGS) $(DEPFLAGS) -c -o $@ $<

# PROG_OBJS_name for each program directory.
define program_objs
PROG_OBJS_$(notdir $(1)) := $(patsubst %.c,$(BUILD)/user-obj/%.o,$(wildcard $(1)/*.c)) \
                            $(patsubst %.S,$(BUILD)/user-obj/%.S.o,$(wildcard $(1)/*.S))
endef
$(foreach d,$(PROGRAM_DIRS),$(eval $(call program_objs,$(d))))
PROGRAM_OBJS := $(foreach p,$(PROGRAMS),$(PROG_OBJS_$(p)))

.SECONDEXPANSION:
$(PROGRAM_ELFS): $(BUILD)/user/%.elf: $$(PROG_OBJS_$$*) $$(PROG_EXTRA_OBJS_$$*) $(LIBOS_LIB) \
                 $(LIBOS_LD)
	@mkdir -p $(@D)
	$(CC_T) $(USER_LDFLAGS) -o $@ $(PROG_OBJS_$*) $(PROG_EXTRA_OBJS_$*) $(USER_LIBS)

# The archive's members, named by bare program name.
$(BUILD)/archive/%: $(BUILD)/user/%.elf
	@mkdir -p $(@D)
	$(OBJCOPY_T) --strip-debug $< $@

$(BOOT_ARCHIVE): $(PROGRAMS:%=$(BUILD)/archive/%) mk/programs.mk
	@rm -f $(filter-out $(PROGRAMS:%=$(BUILD)/archive/%),$(wildcard $(BUILD)/archive/*))
	cd $(BUILD)/archive && printf '%s\n' $(PROGRAMS) | \
		cpio --quiet -o -H newc --reproducible -R 0:0 > $(abspath $@).tmp
	mv $@.tmp $@

-include $(PROGRAM_OBJS:.o=.d)

ALL_TARGETS += $(PROGRAM_ELFS) $(BOOT_ARCHIVE)
