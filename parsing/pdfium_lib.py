"""PDFium's C functions that parsing.read_pdfium calls, loaded from pypdfium2's own library file.

pypdfium2_raw declares every one of PDFium's thousand functions when it is imported (a tenth of a
`kkrbot parse` run); the reader needs some thirty, so they are declared here, on the same library
(the loader hands back the one already loaded, so pypdfium2, where it is used, shares its state).
Handles are plain integers (void pointers); see PDFium's public headers (fpdfview.h, fpdf_text.h).
"""

from __future__ import annotations

import ctypes
import importlib.util
from pathlib import Path
from typing import Any

VP, INT, UINT, ULONG = ctypes.c_void_p, ctypes.c_int, ctypes.c_uint, ctypes.c_ulong
PDFACTION_URI = 3


class FS_RECTF(ctypes.Structure):  # noqa: N801  (PDFium's name)
    _fields_ = [
        ("left", ctypes.c_float),
        ("top", ctypes.c_float),
        ("right", ctypes.c_float),
        ("bottom", ctypes.c_float),
    ]


class FS_MATRIX(ctypes.Structure):  # noqa: N801
    _fields_ = [(name, ctypes.c_float) for name in "abcdef"]


def _library_path() -> Path:
    spec = importlib.util.find_spec("pypdfium2_raw")  # found, not imported
    if spec is None or not spec.submodule_search_locations:
        raise OSError("pypdfium2_raw is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "libpdfium.so"


LIBRARY = ctypes.CDLL(str(_library_path()))


def function(name: str, restype: Any, *argtypes: Any) -> Any:
    """PDFium's `name`; without `argtypes`, it takes ctypes values as given (a quarter faster a call)."""
    address = ctypes.cast(getattr(LIBRARY, name), ctypes.c_void_p).value
    assert address is not None, name
    return ctypes.CFUNCTYPE(restype, *argtypes)(address)


init_library = function("FPDF_InitLibrary", None)
load_document = function("FPDF_LoadMemDocument64", VP, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p)
last_error = function("FPDF_GetLastError", ULONG)
page_count = function("FPDF_GetPageCount", INT, VP)
close_document = function("FPDF_CloseDocument", None, VP)
load_page = function("FPDF_LoadPage", VP, VP, INT)
close_page = function("FPDF_ClosePage", None, VP)
load_text_page = function("FPDFText_LoadPage", VP, VP)
close_text_page = function("FPDFText_ClosePage", None, VP)
media_box = function("FPDFPage_GetMediaBox", INT, VP, VP, VP, VP, VP)
bounding_box = function("FPDF_GetPageBoundingBox", INT, VP, VP)
rotation = function("FPDFPage_GetRotation", INT, VP)
count_chars = function("FPDFText_CountChars", INT, VP)
get_text = function("FPDFText_GetText", INT, VP, INT, INT, VP)
get_unicode = function("FPDFText_GetUnicode", UINT, VP, INT)
loose_box = function("FPDFText_GetLooseCharBox", INT, VP, INT, VP)
text_object = function("FPDFText_GetTextObject", VP, VP, INT)
char_matrix = function("FPDFText_GetMatrix", INT, VP, INT, VP)
char_origin = function("FPDFText_GetCharOrigin", INT, VP, INT, VP, VP)
font_size = function("FPDFText_GetFontSize", ctypes.c_double, VP, INT)
object_text = function("FPDFTextObj_GetText", ULONG, VP, VP, VP, ULONG)
object_font = function("FPDFTextObj_GetFont", VP, VP)
font_descent = function("FPDFFont_GetDescent", INT, VP, ctypes.c_float, VP)
base_font_name = function("FPDFFont_GetBaseFontName", ULONG, VP, VP, ULONG)
enumerate_links = function("FPDFLink_Enumerate", INT, VP, VP, VP)
link_action = function("FPDFLink_GetAction", VP, VP)
action_type = function("FPDFAction_GetType", ULONG, VP)
action_uri = function("FPDFAction_GetURIPath", ULONG, VP, VP, VP, ULONG)
link_rect = function("FPDFLink_GetAnnotRect", INT, VP, VP)
# the three asked for every character, without argument types (see `function`)
fast_is_generated = function("FPDFText_IsGenerated", INT)
fast_loose_box = function("FPDFText_GetLooseCharBox", INT)
fast_text_object = function("FPDFText_GetTextObject", VP)
