import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = {
  title: 'Kommo CRM sync — kommo-sdk example',
  description: 'A Next.js App Router app on kommo-sdk: chat to lead, stages, webhooks.',
};

// System fonts only: nothing is fetched at build time (no next/font/google).
export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
