"""The values a scenario may hold, shared by the scenario files (:mod:`reesim.scenarios`) and the
instrument kinds (:mod:`reesim.instruments`): numbers or distributions (:mod:`.numbers`) and
field types such as dates, places, elements and shares (:mod:`.fields`)."""
