"""Buttons that act in the browser: show and copy the page's address, download text made on the server."""

from __future__ import annotations

import ipyvuetify
import traitlets


class ShareLink(ipyvuetify.VuetifyTemplate):
    """A button that shows the page's address (which holds every setting) and copies it."""

    label = traitlets.Unicode("").tag(sync=True)
    hint = traitlets.Unicode("").tag(sync=True)
    copy_label = traitlets.Unicode("").tag(sync=True)
    copied_label = traitlets.Unicode("").tag(sync=True)
    template = traitlets.Unicode(
        """
<template>
  <v-menu location="bottom end" :close-on-content-click="false" min-width="480">
    <template v-slot:activator="{ props }">
      <v-btn variant="text" class="sq-share" prepend-icon="mdi-link-variant" v-bind="props" @click="refresh">
        {{ label }}
      </v-btn>
    </template>
    <v-card class="pa-4 sq-share-card">
      <div class="text-caption mb-2">{{ hint }}</div>
      <input class="sq-share-url" readonly :value="href" ref="field" @focus="$event.target.select()" />
      <v-btn class="mt-2 sq-share-copy" size="small" variant="flat" color="#1565c0" @click="copy">
        {{ copied ? copied_label : copy_label }}
      </v-btn>
    </v-card>
  </v-menu>
</template>
<script>
module.exports = {
  data() { return { href: "", copied: false }; },
  methods: {
    refresh() { this.href = window.location.href; this.copied = false; },
    copy() {
      this.refresh();
      const done = () => { this.copied = true; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(this.href).then(done, () => this.selectField());
      } else {
        this.selectField();
      }
    },
    selectField() {
      this.$nextTick(() => { this.$refs.field.focus(); this.$refs.field.select(); });
    },
  },
};
</script>
"""
    ).tag(sync=True)


class Download(ipyvuetify.VuetifyTemplate):
    """A button that downloads text made on the server when it is clicked (``source()``)."""

    label = traitlets.Unicode("").tag(sync=True)
    icon = traitlets.Unicode("").tag(sync=True)
    filename = traitlets.Unicode("").tag(sync=True)
    mime_type = traitlets.Unicode("text/plain").tag(sync=True)
    content = traitlets.Unicode("").tag(sync=True)
    serial = traitlets.Int(0).tag(sync=True)
    button_class = traitlets.Unicode("").tag(sync=True)
    source = traitlets.Callable(allow_none=True, default_value=None)
    template = traitlets.Unicode(
        """
<template>
  <v-btn variant="text" :class="button_class" :prepend-icon="icon" :loading="busy" @click="start">{{ label }}</v-btn>
</template>
<script>
module.exports = {
  data() { return { busy: false }; },
  methods: {
    start() { this.busy = true; this.prepare_download(); },
  },
  watch: {
    serial() {
      const blob = new Blob([this.content], { type: this.mime_type });
      const url = window.URL.createObjectURL(blob);
      const a = document.createElement("a");
      a.download = this.filename;
      a.href = url;
      document.body.appendChild(a);
      a.click();
      document.body.removeChild(a);
      setTimeout(() => window.URL.revokeObjectURL(url), 1000);
      this.content = "";
      this.busy = false;
    },
  },
};
</script>
"""
    ).tag(sync=True)

    def vue_prepare_download(self, _data: object = None) -> None:
        """Make the text and hand it to the browser."""
        self.content = self.source() if self.source is not None else ""
        self.serial += 1
