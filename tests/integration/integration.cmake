# Integration tests: each file generates an Avro cache, starts its own pivotd
# on a free port and drives the HTTP API with requests and h5py.
if(TARGET pivotd AND TARGET pivot-gen-avro)
  foreach(name lifecycle errors jobs_api job_control bad_input faults auth quotas export_options)
    add_test(NAME integration_${name}
             COMMAND ${PIVOT_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/test_${name}.py)
    set_tests_properties(integration_${name} PROPERTIES
      TIMEOUT 300
      LABELS integration
      ENVIRONMENT
        "PIVOTD=$<TARGET_FILE:pivotd>;PIVOT_GEN_AVRO=$<TARGET_FILE:pivot-gen-avro>;PIVOT_PLUGIN_DIR=${PIVOT_PLUGIN_OUTPUT_DIR};PYTHONDONTWRITEBYTECODE=1")
  endforeach()
endif()

# One plugin set per server: the loader's test plugins are dropped into a
# running server's plugin directory.
if(TARGET pivotd AND TARGET pivot-gen-avro)
  add_test(NAME integration_plugin_set
           COMMAND ${PIVOT_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/test_plugin_set.py)
  set_tests_properties(integration_plugin_set PROPERTIES
    TIMEOUT 300
    LABELS integration
    ENVIRONMENT
      "PIVOTD=$<TARGET_FILE:pivotd>;PIVOT_GEN_AVRO=$<TARGET_FILE:pivot-gen-avro>;PIVOT_PLUGIN_DIR=${PIVOT_PLUGIN_OUTPUT_DIR};PIVOT_TEST_PLUGIN_DIR=${CMAKE_BINARY_DIR}/test-plugins;PYTHONDONTWRITEBYTECODE=1")
endif()

# The API, job-management, auth and quota suites once more against a PostgreSQL
# job store: the harness starts its own PostgreSQL 15 on a Unix socket
# (pivot_postgres.py) and gives each server a database of its own.
if(TARGET pivotd AND TARGET pivot-gen-avro)
  foreach(name jobs_api job_control auth quotas lifecycle errors bad_input accounting
               anonymous_auth export_options)
    add_test(NAME integration_${name}_postgres
             COMMAND ${PIVOT_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/test_${name}.py)
    set_tests_properties(integration_${name}_postgres PROPERTIES
      TIMEOUT 300
      LABELS "integration;postgres"
      ENVIRONMENT
        "PIVOT_TEST_JOB_STORE=postgres;PIVOTD=$<TARGET_FILE:pivotd>;PIVOT_GEN_AVRO=$<TARGET_FILE:pivot-gen-avro>;PIVOT_PLUGIN_DIR=${PIVOT_PLUGIN_OUTPUT_DIR};PYTHONDONTWRITEBYTECODE=1")
  endforeach()
endif()

# Three nodes on one PostgreSQL (started by the test) and one results folder:
# real processes, kill -9 and a database restart; plain builds only. The
# 1,000 submissions run as a ctest of their own, to keep each under a minute.
if(TARGET pivotd AND TARGET pivot-gen-avro)
  add_test(NAME integration_cluster
           COMMAND ${PIVOT_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/test_cluster.py
                   -k "*.test_[2-9]*")
  add_test(NAME integration_cluster_1000
           COMMAND ${PIVOT_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/test_cluster.py -k test_1_)
  set_tests_properties(integration_cluster integration_cluster_1000 PROPERTIES
    TIMEOUT 300
    LABELS "integration;postgres;plain_only"
    ENVIRONMENT
      "PIVOTD=$<TARGET_FILE:pivotd>;PIVOT_GEN_AVRO=$<TARGET_FILE:pivot-gen-avro>;PIVOT_PLUGIN_DIR=${PIVOT_PLUGIN_OUTPUT_DIR};PYTHONDONTWRITEBYTECODE=1")
endif()

# pivotd jobs migrate: a SQLite store into a PostgreSQL the test starts.
if(TARGET pivotd AND TARGET pivot-gen-avro)
  add_test(NAME integration_jobs_migrate
           COMMAND ${PIVOT_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/test_jobs_migrate.py)
  set_tests_properties(integration_jobs_migrate PROPERTIES
    TIMEOUT 300
    LABELS "integration;postgres"
    ENVIRONMENT
      "PIVOTD=$<TARGET_FILE:pivotd>;PIVOT_GEN_AVRO=$<TARGET_FILE:pivot-gen-avro>;PIVOT_PLUGIN_DIR=${PIVOT_PLUGIN_OUTPUT_DIR};PYTHONDONTWRITEBYTECODE=1")
endif()
