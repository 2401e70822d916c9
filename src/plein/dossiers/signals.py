# connected in apps.ready
