#ifndef SCENEFORGE_CNCURSES_SHIM_H
#define SCENEFORGE_CNCURSES_SHIM_H

// Wide-character curses: these must be defined before curses.h so that cchar_t, setcchar,
// mvadd_wch and get_wch are declared.
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif

#include <locale.h>
#include <wchar.h>
#include <signal.h>

#if __has_include(<ncursesw/curses.h>)
#include <ncursesw/curses.h>
#else
#include <curses.h>
#endif

// glibc declares wcwidth only under _XOPEN_SOURCE; declare it for Swift either way.
extern int wcwidth(wchar_t c);

// Macros Swift cannot import, as functions.
static inline int sf_color_pair(int pair) { return (int)COLOR_PAIR(pair); }
static inline int sf_key_resize(void) { return KEY_RESIZE; }
static inline unsigned int sf_attr_bold(void) { return (unsigned int)A_BOLD; }
static inline unsigned int sf_attr_reverse(void) { return (unsigned int)A_REVERSE; }
static inline unsigned int sf_attr_underline(void) { return (unsigned int)A_UNDERLINE; }
static inline unsigned int sf_attr_dim(void) { return (unsigned int)A_DIM; }

#endif
