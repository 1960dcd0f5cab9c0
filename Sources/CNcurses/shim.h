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
static inline int sf_key_resize(void) { return KEY_RESIZE; }
static inline unsigned int sf_attr_bold(void) { return (unsigned int)A_BOLD; }
static inline unsigned int sf_attr_reverse(void) { return (unsigned int)A_REVERSE; }
static inline unsigned int sf_attr_underline(void) { return (unsigned int)A_UNDERLINE; }
static inline unsigned int sf_attr_dim(void) { return (unsigned int)A_DIM; }

// One cell: a wide-character string (a grapheme) with attributes and an extended colour pair.
static inline int sf_put_cell(int y, int x, const wchar_t *text, unsigned int attrs, int pair) {
    cchar_t cell;
    if (setcchar(&cell, text, (attr_t)attrs, 0, &pair) != OK) return ERR;
    return mvadd_wch(y, x, &cell);
}
static inline int sf_get_key(int *code) {
    wint_t value = 0;
    int kind = get_wch(&value);
    *code = (int)value;
    return kind;
}
static inline WINDOW *sf_stdscr(void) { return stdscr; }
static inline int sf_lines(void) { return LINES; }
static inline int sf_cols(void) { return COLS; }
static inline int sf_colors(void) { return COLORS; }
static inline int sf_color_pairs(void) { return COLOR_PAIRS; }
static inline int sf_key_code_yes(void) { return KEY_CODE_YES; }
static inline int sf_key_f0(void) { return KEY_F0; }

#endif
