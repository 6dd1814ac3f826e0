# Toolchain file for the device build: arm-none-eabi-gcc for the nRF5340's two Cortex-M33 cores.
# Owns: the target compiler, its flags and the linker defaults. Never: project options or sources
# (the project decides what to build; with -DTDM_HOST=OFF only the device layers are added).
#
#   cmake -S . -B build-arm -DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi.cmake -DTDM_HOST=OFF
#
# Float ABI: soft. The application core has an FPv5 FPU but the network core has none, and no device
# code uses floating point; -mfloat-abi=soft lets one set of objects link into both cores' images
# (hard-float objects cannot be mixed with the network core's soft-float ones).
# -Os, one section per function and per object (so --gc-sections drops what no entry point reaches),
# -fstack-usage (.su per object: frame size of each function) and -fcallgraph-info=su,da (.ci per
# object: the call graph with frame sizes, read by scripts/size.sh for the worst-case stack).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

set(TDM_ARM_PREFIX arm-none-eabi- CACHE STRING "prefix of the cross binutils and gcc")
set(CMAKE_C_COMPILER ${TDM_ARM_PREFIX}gcc)
set(CMAKE_ASM_COMPILER ${TDM_ARM_PREFIX}gcc)
set(CMAKE_AR ${TDM_ARM_PREFIX}ar CACHE FILEPATH "")
set(CMAKE_RANLIB ${TDM_ARM_PREFIX}ranlib CACHE FILEPATH "")
set(CMAKE_OBJCOPY ${TDM_ARM_PREFIX}objcopy CACHE FILEPATH "")
set(CMAKE_SIZE ${TDM_ARM_PREFIX}size CACHE FILEPATH "")
set(CMAKE_NM ${TDM_ARM_PREFIX}nm CACHE FILEPATH "")

# The compiler checks only compile (a bare-metal link needs a startup file and a linker script).
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(TDM_ARM_CPU_FLAGS "-mcpu=cortex-m33 -mthumb -mfloat-abi=soft")
# The network core's Cortex-M33 has no DSP extension (and no FPU): its image and the library copies it
# links are compiled with these (board/CMakeLists.txt); the later -mcpu wins.
set(TDM_NET_CPU_FLAGS -mcpu=cortex-m33+nodsp)
set(CMAKE_C_FLAGS_INIT
    "${TDM_ARM_CPU_FLAGS} -Os -ffunction-sections -fdata-sections -fno-common -fstack-usage -fcallgraph-info=su,da")
set(CMAKE_ASM_FLAGS_INIT "${TDM_ARM_CPU_FLAGS}")
# newlib-nano; images add their own linker script (-T) and, for tests under qemu, rdimon semihosting.
set(CMAKE_EXE_LINKER_FLAGS_INIT "${TDM_ARM_CPU_FLAGS} --specs=nano.specs -Wl,--gc-sections")

# Size is the figure that matters on the device: the build types all keep -Os (the init flags
# above); MinSizeRel is the default so `cmake` without a build type measures what ships.
set(CMAKE_C_FLAGS_RELEASE_INIT "-DNDEBUG")
set(CMAKE_C_FLAGS_MINSIZEREL_INIT "-DNDEBUG")
set(CMAKE_C_FLAGS_RELWITHDEBINFO_INIT "-g -DNDEBUG")
set(CMAKE_C_FLAGS_DEBUG_INIT "-g")
if(NOT CMAKE_BUILD_TYPE)
  set(CMAKE_BUILD_TYPE MinSizeRel CACHE STRING "build type" FORCE)
endif()

# Look for libraries and headers only in the cross sysroot, programs on the host.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
