# tdm_device_image(NAME SCRIPT SOURCES... LIBS libs...): links NAME.elf, a device image for the nRF5340,
# with link-time optimisation (the objects are fat: cmake/arm-none-eabi.cmake), newlib-nano, --gc-sections
# and a linker script of this folder (nrf5340_app_bootloader.ld or
# nrf5340_net_netboot.ld, which include tdm_sections.ld). Owns: how a device image links. Never: used in
# the host build (include it under `if(CMAKE_CROSSCOMPILING)`). The sources must provide the `.vectors`
# table and tdm_board_reset (the board port's start-up, contract in tdm_sections.ld).
# scripts/size.sh reports board/bootloader.elf and board/netboot.elf as size.boot_* and size.netboot_*.
set(TDM_CMAKE_DIR ${CMAKE_CURRENT_LIST_DIR})
function(tdm_device_image name script)
  cmake_parse_arguments(IMG "" "" "LIBS" ${ARGN})
  add_executable(${name} ${IMG_UNPARSED_ARGUMENTS})
  set_target_properties(${name} PROPERTIES SUFFIX .elf)
  target_include_directories(${name} PRIVATE ${TDM_CMAKE_DIR}/../include)
  target_link_libraries(${name} PRIVATE ${IMG_LIBS})
  target_link_options(${name} PRIVATE -flto -Os -nostartfiles -L${TDM_CMAKE_DIR} -T${script}
                      -Wl,-Map=${CMAKE_CURRENT_BINARY_DIR}/${name}.map)
  set_property(TARGET ${name} APPEND PROPERTY LINK_DEPENDS ${TDM_CMAKE_DIR}/${script}
                                                         ${TDM_CMAKE_DIR}/tdm_sections.ld)
endfunction()
