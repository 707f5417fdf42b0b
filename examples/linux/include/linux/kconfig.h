/* Example tree: memdesc-layout force-includes this file (as kbuild does); it pulls in the CONFIG_* macros. */
#ifndef EXAMPLE_KCONFIG_H
#define EXAMPLE_KCONFIG_H
#include <generated/autoconf.h>
#endif
