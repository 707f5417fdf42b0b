// Synthetic Kconfig trees of our own, one per area of the language, shared by the unit tests (expected
// outputs) and test/kconfig (the kernel's conf run on the same trees and random inputs).

export interface KconfigFixture {
  name: string;
  files: Record<string, string>;
  /** Environment the tree expects (ARCH, SRCARCH, ...). */
  env: Record<string, string>;
}

const constructs: KconfigFixture = {
  name: 'constructs',
  env: { ARCH: 'x86', SRCARCH: 'x86' },
  files: {
    Kconfig: `mainmenu "Test $(ARCH) kernel"

source "Kconfig.include"

config MODULES
	bool "Enable loadable module support"
	modules
	default y

menu "Basics"

config A
	bool "A"
	default y

config B
	tristate "B"
	depends on A
	default m

config C
	bool
	default y if B = m
	default n

config D
	tristate "D" if A
	select E if B
	imply F

config E
	tristate

config F
	tristate "F"
	depends on !G

config G
	bool "G"

config INT1
	int "int 1"
	range 1 10
	default 20

config HEX1
	hex "hex"
	default 0x1000

config STR1
	string "str"
	default "hello \\"world\\""

endmenu

menuconfig M
	bool "M menu"

if M
config M1
	bool "M1"
	default y
comment "a comment under M"
endif

choice
	prompt "Pick one"
	default C2

config C1
	bool "C1"

config C2
	bool "C2"
	depends on A

config C3
	bool "C3"
endchoice

config DEP_IF
	bool "dep if"
	depends on A if G

config TRANS_OLD
	transitional
	bool

config TRANS_NEW
	bool "new"
	default TRANS_OLD

menu "Invisible"
	visible if n
config V1
	bool "v1"
	default y
endmenu

config VAR_DEMO
	string
	default "$(greeting)"

config PROBE
	def_bool $(cc-option,-mfoo)

config LINE
	int
	default $(lineno)

source "arch/$(SRCARCH)/Kconfig"
`,
    'Kconfig.include': `greeting := hello
greeting += world
cc-option = $(success,$(CC) $(1))
success = $(shell,$(1) && echo y || echo n)
$(info,parsing $(filename))
`,
    'arch/x86/Kconfig': `config X86
	def_bool y
	select ARCH_FOO

config ARCH_FOO
	bool

config NEEDS_FOO
	tristate "needs foo"
	depends on ARCH_FOO && MODULES
	default m
	help
	  A help text
	  over two lines.

	  And a paragraph.

config AFTER_HELP
	bool "after help"
	default NEEDS_FOO
`,
  },
};

const choices: KconfigFixture = {
  name: 'choices',
  env: { ARCH: 'x86', SRCARCH: 'x86' },
  files: {
    Kconfig: `config MODULES
	bool "modules"
	modules

config EXPERT
	bool "expert"

choice
	prompt "Model"
	default MODEL_B if EXPERT
	default MODEL_C

config MODEL_A
	bool "A"

config MODEL_B
	bool "B"
	depends on EXPERT

config MODEL_C
	bool "C"

if EXPERT
config MODEL_D
	bool "D"
endif
endchoice

choice
	prompt "Hidden choice"
	depends on EXPERT

config H1
	bool "h1"

config H2
	bool "h2"
endchoice

config USES_B
	def_bool MODEL_B || H2

config LEVEL
	int
	default 3 if MODEL_A
	default 4 if MODEL_B
	default 5
`,
  },
};

const numbers: KconfigFixture = {
  name: 'numbers',
  env: { ARCH: 'x86', SRCARCH: 'x86' },
  files: {
    Kconfig: `config SMP
	bool "smp"
	default y

config BIG
	bool "big"

config NR_CPUS_MIN
	int
	default 1 if !SMP
	default 2

config NR_CPUS_MAX
	int
	default 8192 if BIG
	default 512

config NR_CPUS
	int "cpus" if SMP
	range NR_CPUS_MIN NR_CPUS_MAX
	default 1 if !SMP
	default 64

config MANY_CPUS
	def_bool NR_CPUS > 256

config SHIFT
	int "shift"
	range 12 16
	default 12

config ADDR
	hex "addr"
	range 0x1000 0xffff
	default 0x2000

config ADDR2
	hex
	default ADDR

config NAME
	string "name"
	default "n1"

config NAME_IS_N2
	def_bool NAME = "n2"

config NEG
	int "negative"
	range -10 10
	default -5

config CMP_HEX
	def_bool ADDR >= 0x8000
`,
  },
};

const selects: KconfigFixture = {
  name: 'selects',
  env: { ARCH: 'x86', SRCARCH: 'x86' },
  files: {
    Kconfig: `config MODULES
	bool "modules"
	default y
	modules

config T1
	tristate "t1"

config T2
	tristate "t2"
	select S1
	imply I1

config S1
	tristate "s1"
	depends on DEP

config DEP
	bool "dep"

config I1
	tristate "i1"
	depends on T1

config ONLY_M
	tristate "only m"
	depends on m

config BOOLSEL
	bool
	select T1 if T2 = y

config W
	def_tristate T1 && !T2
`,
  },
};

const modulesOff: KconfigFixture = {
  name: 'modules-off',
  env: { ARCH: 'x86', SRCARCH: 'x86' },
  files: {
    Kconfig: `config MODULES
	bool "modules"
	modules

config T
	tristate "t"
	default m

config U
	tristate
	default m if T

config V
	bool "v"
	depends on T = m
`,
  },
};

export const KCONFIG_FIXTURES: KconfigFixture[] = [constructs, choices, numbers, selects, modulesOff];
