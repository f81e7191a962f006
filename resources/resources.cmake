# Resources of digit-studio: the translations (Qt Linguist) and the default model.
#
#   cmake --build build --target update_translations   re-extracts the strings of ui/ and app/
#                                                     into resources/translations/*.ts (lupdate)
# The .ts files are compiled (lrelease) into the binary under :/i18n at every build.
set(DIGIT_RESOURCES_DIR ${CMAKE_CURRENT_LIST_DIR})

function(digit_add_studio_resources target)
  # zh_CN: every string. en: only the plural forms of "%n" strings ("1 epoch", "2 epochs").
  set(ts_zh ${DIGIT_RESOURCES_DIR}/translations/digit_studio_zh_CN.ts)
  set(ts_en ${DIGIT_RESOURCES_DIR}/translations/digit_studio_en.ts)
  file(GLOB i18n_sources CONFIGURE_DEPENDS
    ${PROJECT_SOURCE_DIR}/ui/*.cpp ${PROJECT_SOURCE_DIR}/ui/*.h
    ${PROJECT_SOURCE_DIR}/app/*.cpp ${PROJECT_SOURCE_DIR}/app/*.h ${PROJECT_SOURCE_DIR}/report/*.cpp)
  qt_add_lupdate(${target} TS_FILES ${ts_zh} SOURCES ${i18n_sources} OPTIONS -no-obsolete -locations none)
  # (Qt 6.4's qt_add_lupdate allows one TS set per target, so the plurals file has its own.)
  add_custom_target(${target}_lupdate_plurals
    COMMAND Qt6::lupdate -no-obsolete -locations none -pluralonly -target-language en
            ${PROJECT_SOURCE_DIR}/ui ${PROJECT_SOURCE_DIR}/app ${PROJECT_SOURCE_DIR}/report -ts ${ts_en}
    VERBATIM)
  add_dependencies(update_translations ${target}_lupdate_plurals)
  qt_add_lrelease(${target} TS_FILES ${ts_zh} ${ts_en} QM_FILES_OUTPUT_VARIABLE qm_files)
  qt_add_resources(${target} "translations" PREFIX "/i18n" BASE ${CMAKE_CURRENT_BINARY_DIR} FILES ${qm_files})

  # The model the app opens with until the user trains or opens another (see README for how it
  # was made). Optional: without it the Draw page asks for a model.
  if(EXISTS ${DIGIT_RESOURCES_DIR}/models/default.dsm)
    qt_add_resources(${target} "models" PREFIX "/models" BASE ${DIGIT_RESOURCES_DIR}/models
      FILES ${DIGIT_RESOURCES_DIR}/models/default.dsm)
  endif()
endfunction()
