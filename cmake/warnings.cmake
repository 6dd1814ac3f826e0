# The project's warning flags, the one place they are written: the host build, the device layers, the
# board images and the QEMU test images all take TDM_WARNING_FLAGS from here. Warnings are errors.
set(TDM_WARNING_FLAGS -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes -Wmissing-prototypes
    -Wundef -Wvla)
