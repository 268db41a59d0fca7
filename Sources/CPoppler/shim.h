// poppler-glib (which brings glib and gobject) and cairo, with cairo's PDF
// surface for making test documents.
#include <poppler.h>
#include <cairo.h>
#include <cairo-pdf.h>
