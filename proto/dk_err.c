/* Text for deskd error codes. */
#include "dk_err.h"

const char *dk_strerror(int err)
{
	switch (err) {
	case DK_OK:
		return "success";
	case DK_ERR_NOTFOUND:
		return "not found";
	case DK_ERR_EXISTS:
		return "already exists";
	case DK_ERR_CORRUPT:
		return "stored data is corrupt";
	case DK_ERR_NOSPACE:
		return "no space left";
	case DK_ERR_INVALID:
		return "invalid argument";
	case DK_ERR_NOMEM:
		return "out of memory";
	case DK_ERR_IO:
		return "input/output error";
	case DK_ERR_LOCKED:
		return "data directory is in use by another deskd";
	case DK_ERR_SCHEMA:
		return "database was written by a newer deskd";
	case DK_ERR_ACCESS:
		return "permission denied";
	case DK_ERR_CONFLICT:
		return "state does not allow the change";
	}
	return "unknown error";
}
